"""The sign-in routes, served at the server's root beside Graph's /v1.0 and /beta (the paths never
collide: these start with a tenant segment, `common`, or `devicelogin`)."""

from __future__ import annotations

from starlette.routing import Route

from calgraph.signin import authorize, discovery, token
from calgraph.signin.common import endpoint

T = "/{tenant:str}"


def routes() -> list[Route]:
    get, post, both = ["GET"], ["POST"], ["GET", "POST"]
    openid = endpoint(discovery.openid_configuration)
    keys = endpoint(discovery.keys)
    realm = endpoint(discovery.user_realm)
    return [
        Route("/common/discovery/instance", endpoint(discovery.instance_discovery), methods=get),
        Route("/common/userrealm/{user:str}", realm, methods=get),
        Route("/common/UserRealm/{user:str}", realm, methods=get),
        Route("/devicelogin", endpoint(authorize.device_login, form=True), methods=both),
        Route(T + "/v2.0/.well-known/openid-configuration", openid, methods=get),
        Route(T + "/.well-known/openid-configuration", openid, methods=get),
        Route(T + "/discovery/v2.0/keys", keys, methods=get),
        Route(T + "/discovery/keys", keys, methods=get),
        Route(T + "/oauth2/v2.0/token", endpoint(token.token, form=True), methods=post),
        Route(T + "/oauth2/v2.0/devicecode", endpoint(token.device_code, form=True), methods=post),
        Route(T + "/oauth2/v2.0/authorize", endpoint(authorize.authorize, form=True), methods=both),
        Route(T + "/oauth2/v2.0/logout", endpoint(authorize.logout), methods=both),
    ]
