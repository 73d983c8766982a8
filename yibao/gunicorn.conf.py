"""gunicorn's settings for ``bin/serve`` (``gunicorn -c yibao/gunicorn.conf.py``).

The access log names the path without its query string (``%(U)s``, not the request
line ``%(r)s``): a clerk's search box sends the ID number in the query (``?q=…``),
and a log file is read far more widely than the database (issue 11, personal data).
"""

bind = "127.0.0.1:8000"
workers = 3
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
