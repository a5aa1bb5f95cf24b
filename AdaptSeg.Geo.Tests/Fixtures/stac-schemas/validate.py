"""Validates STAC Items against the vendored JSON Schemas, offline.

Usage: python3 validate.py ITEM.json [ITEM.json ...]
Each Item is checked against STAC core's item.json for its stac_version and against the schema of
every URL in its stac_extensions. Every $ref is resolved from index.json (URL -> vendored file); a
reference to anything else fails instead of going to the network. Prints one line per Item and exits
1 when any is invalid.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def load_store():
    with open(os.path.join(HERE, "index.json"), encoding="utf-8") as f:
        index = json.load(f)
    store = {}
    for url, relative in index.items():
        with open(os.path.join(HERE, relative), encoding="utf-8") as f:
            schema = json.load(f)
        # Under the URL it is published at and under its own $id (they differ for processing v1.1.0).
        store[url] = schema
        store[url + "#"] = schema
        own = schema.get("$id", "").rstrip("#")
        if own:
            store[own] = schema
            store[own + "#"] = schema
    return store


def offline(uri):
    raise jsonschema.exceptions.RefResolutionError(f"not vendored (no network here): {uri}")


def leaves(error):
    """The innermost errors under a oneOf/anyOf/allOf error (the error itself when it has none)."""
    if not error.context:
        return [error]
    found = []
    for sub in error.context:
        found.extend(leaves(sub))
    return found


def validate(path, store):
    with open(path, encoding="utf-8") as f:
        item = json.load(f)
    version = item.get("stac_version")
    urls = [f"https://schemas.stacspec.org/v{version}/item-spec/json-schema/item.json"] + list(item.get("stac_extensions", []))
    errors = []
    for url in urls:
        if url not in store:
            errors.append(f"{url}: schema not vendored")
            continue
        schema = store[url]
        resolver = jsonschema.RefResolver(base_uri=url, referrer=schema, store=store,
                                          handlers={"http": offline, "https": offline})
        validator = jsonschema.Draft7Validator(schema, resolver=resolver,
                                               format_checker=jsonschema.draft7_format_checker)
        for error in sorted(validator.iter_errors(item), key=lambda e: list(e.absolute_path)):
            # oneOf/anyOf (Item or Collection) report at the top; name the sub-errors that say where.
            for leaf in leaves(error):
                where = "/".join(str(p) for p in leaf.absolute_path)
                errors.append(f"{url}: at '{where}': {leaf.message[:400]}")
    return errors


def main():
    store = load_store()
    failed = False
    for path in sys.argv[1:]:
        errors = validate(path, store)
        if errors:
            failed = True
            print(f"INVALID {path}")
            for e in errors:
                print(f"  {e}")
        else:
            print(f"VALID {path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
