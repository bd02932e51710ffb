"""A local emulator of the GA4 Data API and UA Reporting API v4 (see server.py)."""
