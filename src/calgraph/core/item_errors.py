"""The errors of what apps hang on items: extensions, extended properties, categories, attachments."""

from __future__ import annotations

from calgraph.core.errors import GraphError


class ExtensionExists(GraphError):
    status, code = 409, "NameAlreadyExists"

    def __init__(self, name: str) -> None:
        super().__init__(f"An open extension named '{name}' already exists on this item.")


class InvalidPropertyId(GraphError):
    status, code = 400, "ErrorInvalidProperty"
    message = ("PropertyId values may only be in one of the following formats: "
               "'MapiPropertyType namespaceGuid Name propertyName', 'MapiPropertyType namespaceGuid Id propertyId' "
               "or 'MapiPropertyType propertyTag'.")


class InvalidExtendedProperty(GraphError):
    status, code = 400, "ErrorInvalidExtendedProperty"
    message = "The extended property attribute combination is invalid."


class InvalidExtendedPropertyValue(GraphError):
    status, code = 400, "ErrorInvalidExtendedPropertyValue"


class DuplicateCategory(GraphError):
    status, code = 409, "ErrorDuplicateCategory"

    def __init__(self, name: str) -> None:
        super().__init__(f"A category named '{name}' already exists in the master list.")


class AttachmentTooLarge(GraphError):
    status, code = 413, "ErrorAttachmentSizeLimitExceeded"


class QuotaExceeded(GraphError):
    status, code = 507, "ErrorQuotaExceeded"
    message = "The mailbox has exceeded its storage quota."
