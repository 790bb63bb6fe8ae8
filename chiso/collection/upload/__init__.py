"""The upload page of the file import (``/nhap-lieu/tai-len/``): views, urls, the waiting-file storage."""
