"""The identity platform's errors: the OAuth `error` value, the AADSTS number, the HTTP status.

Clients key on `error` (and azure-identity shows the description), so each situation gets Entra's
pair; the texts follow Entra's closely but are not promised byte-identical.
"""

from __future__ import annotations


class SignInError(Exception):
    """An error of a sign-in endpoint, rendered as the identity platform's error JSON."""

    def __init__(self, error: str, code: int | None, text: str, status: int = 400) -> None:
        self.error, self.code, self.text, self.status = error, code, text, status
        super().__init__(f"{error}: {self.description}")

    @property
    def description(self) -> str:
        return f"AADSTS{self.code}: {self.text}" if self.code is not None else self.text


def invalid_secret(client_id: str) -> SignInError:
    return SignInError("invalid_client", 7000215, (
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
        f"not the client secret ID, for a secret added to app '{client_id}'."), 401)


def missing_credential() -> SignInError:
    return SignInError("invalid_client", 7000218,
                       "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                       401)


def public_client_credential() -> SignInError:
    return SignInError("invalid_client", 700025,
                       "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", 401)


def bad_assertion_signature() -> SignInError:
    return SignInError("invalid_client", 700027, "Client assertion failed signature validation.", 401)


def assertion_time() -> SignInError:
    return SignInError("invalid_client", 700024, "Client assertion is not within its valid time range.", 401)


def assertion_client_mismatch() -> SignInError:
    return SignInError("invalid_client", 700021,
                       "Client assertion application identifier doesn't match 'client_id' parameter.", 401)


def assertion_audience() -> SignInError:
    return SignInError("invalid_client", 700212,
                       "No matching federated identity record found for presented assertion audience.", 401)


def unknown_client(client_id: str, tenant: str) -> SignInError:
    return SignInError("unauthorized_client", 700016, (
        f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if "
        "the application has not been installed by the administrator of the tenant or consented to by any user "
        "in the tenant. You may have sent your authentication request to the wrong tenant."))


def unknown_tenant(tenant: str, error: str = "invalid_request") -> SignInError:
    return SignInError(error, 90002, (
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into "
        "the correct cloud."))


def no_tenant() -> SignInError:
    return SignInError("invalid_request", 50059, (
        "No tenant-identifying information found in either the request or implied by any provided credentials."))


def wrong_password() -> SignInError:
    return SignInError("invalid_grant", 50126, "Error validating credentials due to invalid username or password.")


def unknown_user(tenant_id: str) -> SignInError:
    return SignInError("invalid_grant", 50034, (
        f"The user account {{EUII Hidden}} does not exist in the {tenant_id} directory. To sign into this "
        "application, the account must be added to the directory."))


def invalid_scope(scope: str) -> SignInError:
    return SignInError("invalid_scope", 70011,
                       f"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.")


def app_scope_needs_default(scope: str) -> SignInError:
    return SignInError("invalid_scope", 1002012, (
        f"The provided value for scope {scope} is not valid. Client credential flows must have a scope value "
        "with /.default suffixed to the resource identifier (application ID URI)."))


def unknown_resource(resource: str, tenant: str) -> SignInError:
    return SignInError("invalid_resource", 500011, (
        f"The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if "
        "the application has not been installed by the administrator of the tenant or consented to by any user "
        "in the tenant. You might have sent your authentication request to the wrong tenant."))


def malformed_grant() -> SignInError:
    return SignInError("invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")


def grant_expired() -> SignInError:
    return SignInError("invalid_grant", 70008, (
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive "
        "authorization request for this user and resource."))


def code_redeemed() -> SignInError:
    return SignInError("invalid_grant", 54005, (
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing "
        "refresh token."))


def pkce_mismatch() -> SignInError:
    return SignInError("invalid_grant", 501481,
                       "The Code_Verifier does not match the code_challenge supplied in the authorization request.")


def redirect_mismatch() -> SignInError:
    return SignInError("invalid_grant", 50011, (
        "The redirect URI specified in the request does not match the redirect URIs configured for the "
        "application."))


def redirect_not_registered(uri: str, client_id: str) -> SignInError:
    return SignInError("invalid_request", 50011, (
        f"The redirect URI '{uri}' specified in the request does not match the redirect URIs configured for "
        f"the application '{client_id}'."))


def unsupported_grant(grant_type: str) -> SignInError:
    return SignInError("unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant_type}'.")


def missing_parameter(name: str) -> SignInError:
    return SignInError("invalid_request", 900144,
                       f"The request body must contain the following parameter: '{name}'.")


def bad_parameter(name: str) -> SignInError:
    return SignInError("invalid_request", 90014, f"The value of the parameter '{name}' is not valid.")


def authorization_pending() -> SignInError:
    return SignInError("authorization_pending", 70016,
                       "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")


def device_code_expired() -> SignInError:
    return SignInError("expired_token", 70019, "Verification code expired.")


def device_code_declined() -> SignInError:
    return SignInError("authorization_declined", None, "The end user denied the authorization request.")


def bad_device_code() -> SignInError:
    return SignInError("bad_verification_code", 70018, "Invalid verification code was entered.")

