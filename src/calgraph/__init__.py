"""calgraph: a self-hosted calendar server that speaks the Microsoft Graph calendar API."""

import zoneinfo

# Time zone rules come from the pinned tzdata package, not from whatever the host has installed in
# /usr/share/zoneinfo: every machine then expands the same series to the same instants.
zoneinfo.reset_tzpath(to=())
