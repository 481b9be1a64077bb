"""Respondent pages driven through real Chromium with Playwright (issue 3)."""
