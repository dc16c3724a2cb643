# sluice -- MIT licensed, see LICENSE.  One POSIX makefile; see README.md.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

include config.mk

# Vendorable modules: libc only (oauth and tls: plus BearSSL).  Each must
# compile on its own against its own header (make lint checks it).
VENDOR = chunk sock tls
# The tool around them.
TOOLOBJ = errstr.o
OBJ = chunk.o sock.o tls.o $(TOOLOBJ)

TESTS = test/test_chunk test/test_errstr test/test_sock test/test_tls
# Helper programs the shell tests and benches drive.
TESTTOOLS = test/tlsget
SHTESTS = test/cli.sh test/tls.sh
BENCHES = test/bench_chunk

SLUICE_CFLAGS = -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	-DSLUICE_VERSION=\"$(VERSION)\" $(BEARSSL_CFLAGS) $(CPPFLAGS) $(CFLAGS)
SLUICE_LIBS = $(BEARSSL_LIBS) $(LDLIBS)

all: deps sluice

deps:
	@sh test/deps.sh build "$(CROSS_COMPILE)"

sluice: main.o $(OBJ)
	$(CC) $(SLUICE_CFLAGS) -o $@ main.o $(OBJ) $(LDFLAGS) $(SLUICE_LIBS)

.c.o:
	$(CC) $(SLUICE_CFLAGS) -c -o $@ $<

main.o: main.c config.h errstr.h http.h chunk.h config.mk
	$(CC) $(SLUICE_CFLAGS) -DSLUICE_BUILD_CFLAGS="\"$(CC) $(CFLAGS)\"" \
		-DSLUICE_BEARSSL="\"BearSSL $(BEARSSL_VERSION)\"" -c -o $@ main.c

errstr.o: errstr.c errstr.h http.h chunk.h sock.h tls.h config.mk
http.o: http.c http.h config.mk
chunk.o: chunk.c chunk.h config.mk
sock.o: sock.c sock.h config.mk
tls.o: tls.c tls.h config.mk

config.h:
	cp config.def.h $@

# ---- tests -------------------------------------------------------------
TESTCC = $(CC) $(SLUICE_CFLAGS) -Wno-unused-function -I.

test/test_http: test/test_http.c test/t.h http.o
	$(TESTCC) -o $@ test/test_http.c http.o $(LDFLAGS)
test/test_chunk: test/test_chunk.c test/t.h chunk.o
	$(TESTCC) -o $@ test/test_chunk.c chunk.o $(LDFLAGS)
test/test_errstr: test/test_errstr.c test/t.h errstr.o tls.o
	$(TESTCC) -o $@ test/test_errstr.c errstr.o tls.o $(LDFLAGS) \
		$(SLUICE_LIBS)
test/test_sock: test/test_sock.c test/t.h sock.o
	$(TESTCC) -o $@ test/test_sock.c sock.o $(LDFLAGS)
test/test_tls: test/test_tls.c test/t.h tls.c tls.h
	$(TESTCC) -o $@ test/test_tls.c $(LDFLAGS) $(SLUICE_LIBS)
test/tlsget: test/tlsget.c sock.o tls.o errstr.o
	$(TESTCC) -o $@ test/tlsget.c sock.o tls.o errstr.o $(LDFLAGS) \
		$(SLUICE_LIBS)
test/httpcat: test/httpcat.c http.o chunk.o errstr.o
	$(TESTCC) -o $@ test/httpcat.c http.o chunk.o errstr.o $(LDFLAGS)

test-deps:
	@sh test/deps.sh test

test: test-deps all $(TESTS) $(TESTTOOLS)
	@sh test/run.sh $(TESTS) $(SHTESTS)

# The whole suite under ASan+UBSan with clang, built in its own directory so
# the normal objects are untouched.
CHECKDIR = build-check
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
check:
	@sh test/deps.sh check
	rm -rf $(CHECKDIR) && mkdir -p $(CHECKDIR)
	cp -R *.c *.h Makefile config.mk test doc $(CHECKDIR)/
	rm -f $(CHECKDIR)/config.h $(CHECKDIR)/test/test_[a-z]* \
		$(CHECKDIR)/test/bench_[a-z]* $(CHECKDIR)/test/httpcat \
		$(CHECKDIR)/test/tlsget
	cp test/test_*.c $(CHECKDIR)/test/
	cd $(CHECKDIR) && $(MAKE) CC=clang \
		CFLAGS="-O1 -g -fno-omit-frame-pointer $(SANITIZE)" \
		LDFLAGS="$(SANITIZE)" test

# ---- lint: banned functions, stdio/config.h in modules, standalone builds
lint:
	@sh test/lint.sh "$(CC)" $(VENDOR)

# ---- bench -------------------------------------------------------------
test/bench_chunk: test/bench_chunk.c chunk.o
	$(TESTCC) -O2 -o $@ test/bench_chunk.c chunk.o $(LDFLAGS)

bench: all $(BENCHES) $(TESTTOOLS)
	@sh test/deps.sh bench
	@sh test/bench.sh

demo: all
	@echo "make demo: not yet (needs test/streamd and the stream engine)"

# ---- install -----------------------------------------------------------
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	cp -f sluice $(DESTDIR)$(PREFIX)/bin/sluice
	chmod 755 $(DESTDIR)$(PREFIX)/bin/sluice
	cp -f doc/sluice.1 $(DESTDIR)$(MANPREFIX)/man1/sluice.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/sluice.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sluice $(DESTDIR)$(MANPREFIX)/man1/sluice.1

dist: clean
	mkdir -p sluice-$(VERSION)
	cp -R LICENSE README.md Makefile config.mk config.def.h *.c *.h test \
		doc sluice-$(VERSION)
	tar -cf - sluice-$(VERSION) | gzip > sluice-$(VERSION).tar.gz
	rm -rf sluice-$(VERSION)

clean:
	rm -f sluice *.o $(TESTS) $(TESTTOOLS) $(BENCHES) test/httpcat
	rm -rf $(CHECKDIR) test/out

.PHONY: all deps test test-deps check lint bench demo install uninstall \
	dist clean
