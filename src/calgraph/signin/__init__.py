"""The identity platform's endpoints (discovery, keys, token, device code, sign-in pages): parsing
requests and rendering answers, beside http/ (which serves Graph). The rules live in core/identity,
the use cases in services/signin.py and services/apps.py."""
