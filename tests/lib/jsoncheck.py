#!/usr/bin/env python3
"""jsoncheck.py SCHEMA [FILE...] -- every line of imapsh -o json output
(the files, or stdin) must be one JSON object valid against SCHEMA
(man/imapsh-json.schema.json), and nothing else may be on the lines.
Exit 0: all valid; 1: a line is not (each bad line reported, at most 20);
2: cannot run (no python3-jsonschema, unreadable file)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("jsoncheck: python3-jsonschema is not installed (tools/install-deps)",
          file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    names = sys.argv[2:] or ["-"]
    bad = 0
    total = 0
    for name in names:
        data = sys.stdin.buffer.read() if name == "-" else open(name, "rb").read()
        for n, raw in enumerate(data.split(b"\n"), 1):
            if not raw:
                continue
            total += 1
            where = "%s:%d" % (name, n)
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                bad += 1
                print("%s: not JSON (%s): %.200r" % (where, e, raw), file=sys.stderr)
                continue
            errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
            if not isinstance(obj, dict):
                errors = errors or ["not an object"]
            if errors:
                bad += 1
                if bad <= 20:
                    for e in errors[:3]:
                        msg = e if isinstance(e, str) else "%s at %s" % (
                            e.message[:300], "/".join(str(p) for p in e.absolute_path))
                        print("%s: %s\n    %.300s" % (where, msg, raw.decode("utf-8", "replace")),
                              file=sys.stderr)
    if bad:
        print("jsoncheck: %d of %d objects invalid" % (bad, total), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
