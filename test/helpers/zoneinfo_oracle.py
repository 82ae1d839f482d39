"""Independent oracle for the VTIMEZONE check: Python's zoneinfo on Debian's tzdata (TZif files, main format).

stdin: JSON [[zone, epochSeconds], ...]; stdout: JSON [[utcoffsetSeconds, dstSeconds], ...] in the same order.
Instants are UTC, so nothing depends on the machine's TZ.
"""
import json
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

zones = {}
answers = []
for name, seconds in json.load(sys.stdin):
    zone = zones.get(name) or zones.setdefault(name, ZoneInfo(name))
    local = datetime.fromtimestamp(seconds, timezone.utc).astimezone(zone)
    answers.append([int(local.utcoffset().total_seconds()), int(local.dst().total_seconds())])
json.dump(answers, sys.stdout)
