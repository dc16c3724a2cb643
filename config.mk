# sluice build configuration; edit here or override on the make command line.
VERSION = 0.1.0

# CROSS_COMPILE=mipsel-linux-gnu- cross-builds (Debian cross toolchains ship
# TRIPLET-gcc, not TRIPLET-cc, hence gcc).
CROSS_COMPILE =
CC = $(CROSS_COMPILE)gcc
AR = $(CROSS_COMPILE)ar
STRIP = $(CROSS_COMPILE)strip

PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man

# User flags; the project's own (-std=c99 -pedantic ...) are added in Makefile
# and come first, so these win.
CPPFLAGS =
CFLAGS = -O2 -g
LDFLAGS =

# BearSSL: the static archive where it exists, so the binary needs only libc.
BEARSSL_VERSION = 0.6
BEARSSL_CFLAGS =
BEARSSL_LIBS = -l:libbearssl.a
