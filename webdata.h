/* webdata -- the embedded page and coastline of the web view.
 * MIT licensed, see LICENSE.  Generated: webpage.c by web/mkpage.sh from
 * web/index.html, webcoast.c by web/mkcoast.py from GSHHG (LGPL-3+). */
#ifndef WEBDATA_H
#define WEBDATA_H

#include <stddef.h>

extern const unsigned char web_page[];	/* HTML + CSS + JS */
extern const size_t web_page_len;
extern const unsigned char web_coast[];	/* polylines, web/mkcoast.py */
extern const size_t web_coast_len;

#endif
