"""Prints what the script sees of itself, as JSON."""
import json
import sys

print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "file": __file__,
                  "name": __name__, "main": sys.modules["__main__"].__dict__ is globals(),
                  "spec": getattr(__spec__, "name", None), "package": __package__,
                  "loader": type(__loader__).__name__, "stdin": sys.stdin.readline()}))
