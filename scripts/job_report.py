"""Prints a Tuneline job (JSON on stdin) for humans; exit 0 only when it SUCCEEDED (or, with --expect-failed, FAILED)."""
import json
import sys

job = json.load(sys.stdin)
expect = "FAILED" if "--expect-failed" in sys.argv else "SUCCEEDED"
reason = " (" + job["reason"] + ")" if job.get("reason") else ""
print("%7s job %s: %s%s" % (job["type"], job["id"], job["state"], reason))
losses = job.get("losses") or []
if losses:
    print("          loss %.4f at step %d -> %.4f at step %d" % (losses[0][1], losses[0][0], losses[-1][1], losses[-1][0]))
for key, value in sorted((job.get("metrics") or {}).items()):
    print("          %s = %s" % (key, "%.4f" % value if isinstance(value, float) else value))
if job.get("modelDir"):
    print("          model: %s" % job["modelDir"])
sys.exit(0 if job["state"] == expect else 1)
