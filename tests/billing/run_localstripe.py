"""Run localstripe on 127.0.0.1 only (its own CLI binds every interface, and its /_config/
endpoints take no key): `python run_localstripe.py PORT`. RELIABILITY.md section 1.

localstripe 1.15.10 pickles its whole store after every write to the literal path
/tmp/localstripe.pickle (resources.py, not the temp folder), so two runs on one machine would
write the same file; here it goes to this process's temp folder ($TMPDIR) instead.
"""
import logging
import os
import pickle
import sys
import tempfile

from aiohttp import web
from localstripe.resources import Store
from localstripe.resources import store
from localstripe.server import app


def _dump_to_own_tmpdir(self):
    with open(os.path.join(tempfile.gettempdir(), "localstripe.pickle"), "wb") as f:
        pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)


def main():
    port = int(sys.argv[1])
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    logging.getLogger("aiohttp.access").setLevel(logging.DEBUG)  # webhook delivery lines
    Store.dump_to_disk = _dump_to_own_tmpdir
    store.clear()  # == --from-scratch: never load a pickle left by another run
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()
