"""The one test harness: the ids and data set, the tap runners, the emulators
and the installed Meltano project every suite shares.

Fixtures stay in the conftest files (pytest finds them there); what they are
built from lives here, so no test imports a conftest and no two suites define
the same thing twice.
"""
