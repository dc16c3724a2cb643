# sluice -- MIT licensed, see LICENSE.  One POSIX makefile; see README.md.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

include config.mk

# Vendorable modules: libc only (oauth and tls: plus BearSSL).  Each must
# compile on its own against its own header (make lint checks it).
VENDOR = http chunk oauth frame json msg resp inflate sock ca tls
# The tool around them.
TOOLOBJ = errstr.o cred.o preset.o sinkfile.o sinkredis.o subscribe.o web.o \
	webpage.o webcoast.o
OBJ = http.o chunk.o oauth.o frame.o json.o msg.o resp.o inflate.o sock.o \
	ca.o tls.o stream.o $(TOOLOBJ)

TESTS = test/test_http test/test_chunk test/test_errstr test/test_oauth \
	test/test_cred test/test_frame test/test_json test/test_msg test/test_resp \
	test/test_sinkfile test/test_sinkredis test/test_inflate test/test_web \
	test/test_sock test/test_tls test/test_inflate_small test/test_subscribe
SHTESTS = test/tiny.sh test/cli.sh test/chunk_peer.sh test/oauth_verify.sh \
	test/redis.sh test/streamd_test.sh test/web.sh test/tls.sh test/replay.sh \
	test/e2e.sh test/e2e_redis.sh test/e2e_web.sh test/rtcless.sh \
	test/embed.sh test/allocfail.sh
TESTPROGS = test/httpcat test/oauthsign test/rsinkdrv test/webdrv \
	test/webreaders \
	test/tlsget test/embed test/failmalloc.so
BENCHES = test/bench_chunk test/bench_oauth test/bench_frame test/bench_json \
	test/bench_inflate test/bench_anchors

# 32-bit glibc targets (mipsel, armhf): 64-bit off_t and time_t, so files
# past 2 GiB, readdir on 64-bit-cookie filesystems and dates past 2038 work
# (doc/porting.md); no effect on 64-bit targets or musl.
# build-deps/TRIPLET holds a cross target's archives when multiarch cannot
# install them (test/deps.sh); a -L for a missing directory is harmless.
SLUICE_CFLAGS = -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	-D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 \
	-DSLUICE_VERSION=\"$(VERSION)\" $(BEARSSL_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
	-Lbuild-deps/$(CROSS_COMPILE:-=)
SLUICE_LIBS = $(BEARSSL_LIBS) $(LDLIBS)

all: deps sluice

deps:
	@sh test/deps.sh build "$(CROSS_COMPILE)"

sluice: main.o $(OBJ)
	$(CC) $(SLUICE_CFLAGS) -o $@ main.o $(OBJ) $(LDFLAGS) $(SLUICE_LIBS)

.c.o:
	$(CC) $(SLUICE_CFLAGS) -c -o $@ $<

HDRS = http.h chunk.h oauth.h cred.h frame.h json.h msg.h resp.h inflate.h \
	sock.h ca.h tls.h sinkfile.h sinkredis.h subscribe.h web.h stream.h errstr.h \
	preset.h
main.o: main.c config.h $(HDRS) config.mk
	$(CC) $(SLUICE_CFLAGS) -DSLUICE_BUILD_CFLAGS="\"$(CC) $(CFLAGS)\"" \
		-DSLUICE_BEARSSL="\"BearSSL $(BEARSSL_VERSION)\"" -c -o $@ main.c
stream.o: stream.c $(HDRS) config.mk
preset.o: preset.c $(HDRS) config.mk
errstr.o: errstr.c config.h $(HDRS) config.mk
http.o: http.c http.h config.mk
chunk.o: chunk.c chunk.h config.mk
oauth.o: oauth.c oauth.h config.mk
cred.o: cred.c cred.h oauth.h config.mk
frame.o: frame.c frame.h config.mk
json.o: json.c json.h config.mk
msg.o: msg.c msg.h json.h config.mk
resp.o: resp.c resp.h config.mk
inflate.o: inflate.c inflate.h config.mk
sock.o: sock.c sock.h config.mk
ca.o: ca.c ca.h config.mk
tls.o: tls.c tls.h ca.h config.mk
sinkfile.o: sinkfile.c sinkfile.h config.mk
sinkredis.o: sinkredis.c sinkredis.h resp.h config.mk
subscribe.o: subscribe.c subscribe.h sinkredis.h resp.h sock.h config.mk
web.o: web.c web.h webdata.h oauth.h config.mk
webpage.o: webpage.c webdata.h config.mk
webcoast.o: webcoast.c webdata.h config.mk

# The page is web/index.html, embedded by a script; the coastline is
# generated from GSHHG by `make coast` (needs Debian gmt, gmt-gshhg-low)
# and committed, so a normal build needs neither.
webpage.c: web/index.html web/mkpage.sh
	sh web/mkpage.sh web/index.html > $@
coast:
	/usr/bin/python3 web/mkcoast.py > webcoast.c.tmp && \
		mv webcoast.c.tmp webcoast.c

config.h:
	cp config.def.h $@

# ---- tests -------------------------------------------------------------
TESTCC = $(CC) $(SLUICE_CFLAGS) -Wno-unused-function -I.

test/test_http: test/test_http.c test/t.h http.o
	$(TESTCC) -o $@ test/test_http.c http.o $(LDFLAGS)
test/test_chunk: test/test_chunk.c test/t.h chunk.o
	$(TESTCC) -o $@ test/test_chunk.c chunk.o $(LDFLAGS)
test/test_frame: test/test_frame.c test/t.h frame.o
	$(TESTCC) -o $@ test/test_frame.c frame.o $(LDFLAGS)
test/test_json: test/test_json.c test/json/cases.h test/t.h json.o
	$(TESTCC) -o $@ test/test_json.c json.o $(LDFLAGS)
test/test_msg: test/test_msg.c test/t.h msg.o json.o
	$(TESTCC) -o $@ test/test_msg.c msg.o json.o $(LDFLAGS)
test/test_inflate: test/test_inflate.c test/t.h inflate.o
	$(TESTCC) -o $@ test/test_inflate.c inflate.o $(LDFLAGS) -lz
# The same tests on the INFLATE_SMALL build (bytewise CRC, one fast loop);
# its object sits at the top like the modules' (test/cross.sh copies test/
# whole, so a native object or binary there would pass for a cross one).
inflate_small.o: inflate.c inflate.h config.mk
	$(CC) $(SLUICE_CFLAGS) -DINFLATE_SMALL -c -o $@ inflate.c
test/test_inflate_small: test/test_inflate.c test/t.h inflate_small.o
	$(TESTCC) -o $@ test/test_inflate.c inflate_small.o $(LDFLAGS) -lz
test/test_errstr: test/test_errstr.c test/t.h errstr.o tls.o ca.o
	$(TESTCC) -o $@ test/test_errstr.c errstr.o tls.o ca.o $(LDFLAGS) \
		$(SLUICE_LIBS)
test/test_oauth: test/test_oauth.c test/t.h oauth.o
	$(TESTCC) -o $@ test/test_oauth.c oauth.o $(LDFLAGS) $(SLUICE_LIBS)
test/test_cred: test/test_cred.c test/t.h cred.o oauth.o
	$(TESTCC) -o $@ test/test_cred.c cred.o oauth.o $(LDFLAGS) $(SLUICE_LIBS)
test/oauthsign: test/oauthsign.c oauth.o
	$(TESTCC) -o $@ test/oauthsign.c oauth.o $(LDFLAGS) $(SLUICE_LIBS)
test/test_resp: test/test_resp.c test/t.h resp.o
	$(TESTCC) -o $@ test/test_resp.c resp.o $(LDFLAGS)
test/test_subscribe: test/test_subscribe.c test/t.h subscribe.o sinkredis.o \
    resp.o sock.o
	$(TESTCC) -o $@ test/test_subscribe.c subscribe.o sinkredis.o resp.o \
		sock.o $(LDFLAGS)
test/test_sinkfile: test/test_sinkfile.c test/t.h sinkfile.o
	$(TESTCC) -o $@ test/test_sinkfile.c sinkfile.o $(LDFLAGS)
test/test_sinkredis: test/test_sinkredis.c test/t.h sinkredis.o resp.o
	$(TESTCC) -o $@ test/test_sinkredis.c sinkredis.o resp.o $(LDFLAGS)
test/rsinkdrv: test/rsinkdrv.c sinkredis.o resp.o errstr.o tls.o ca.o
	$(TESTCC) -o $@ test/rsinkdrv.c sinkredis.o resp.o errstr.o tls.o ca.o \
		$(LDFLAGS) $(SLUICE_LIBS)
test/test_web: test/test_web.c test/t.h web.o webpage.o webcoast.o oauth.o
	$(TESTCC) -o $@ test/test_web.c web.o webpage.o webcoast.o oauth.o \
		$(LDFLAGS) \
		$(SLUICE_LIBS)
test/webdrv: test/webdrv.c web.o webpage.o webcoast.o oauth.o
	$(TESTCC) -o $@ test/webdrv.c web.o webpage.o webcoast.o oauth.o \
		$(LDFLAGS) \
		$(SLUICE_LIBS)
test/webreaders: test/webreaders.c
	$(TESTCC) -O2 -o $@ test/webreaders.c $(LDFLAGS)
test/test_sock: test/test_sock.c test/t.h sock.o
	$(TESTCC) -o $@ test/test_sock.c sock.o $(LDFLAGS)
test/test_tls: test/test_tls.c test/t.h test/tls_certs.h tls.c tls.h ca.c ca.h
	$(TESTCC) -o $@ test/test_tls.c $(LDFLAGS) $(SLUICE_LIBS)
test/tlsget: test/tlsget.c sock.o tls.o ca.o errstr.o
	$(TESTCC) -o $@ test/tlsget.c sock.o tls.o ca.o errstr.o $(LDFLAGS) \
		$(SLUICE_LIBS)
test/embed: test/embed.c $(OBJ)
	$(TESTCC) -o $@ test/embed.c $(OBJ) $(LDFLAGS) $(SLUICE_LIBS)
test/httpcat: test/httpcat.c http.o chunk.o errstr.o tls.o ca.o
	$(TESTCC) -o $@ test/httpcat.c http.o chunk.o errstr.o tls.o ca.o \
		$(LDFLAGS) $(SLUICE_LIBS)

# malloc-counting LD_PRELOAD shim for test/noalloc.sh (glibc only).
test/mallocshim.so: test/mallocshim.c
	$(CC) -shared -fPIC -O2 -Wall -Wextra -o $@ test/mallocshim.c -ldl
# LD_PRELOAD shim for test/allocfail.sh: no sanitizer, no project flags.
test/failmalloc.so: test/failmalloc.c
	$(CC) -O1 -shared -fPIC -o $@ test/failmalloc.c

test-deps:
	@sh test/deps.sh test

test: test-deps all $(TESTS) $(TESTPROGS)
	@sh test/run.sh $(TESTS) $(SHTESTS)

# The whole suite under ASan+UBSan with clang, built in its own directory so
# the normal objects are untouched.
CHECKDIR = build-check
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
check:
	@sh test/deps.sh check
	rm -rf $(CHECKDIR) && mkdir -p $(CHECKDIR)/test
	cp -R *.c *.h Makefile config.mk doc web $(CHECKDIR)/
	cd test && cp -R `ls | grep -v '^out$$'` ../$(CHECKDIR)/test/
	cd $(CHECKDIR) && rm -f config.h $(TESTS) $(TESTPROGS) $(BENCHES) \
		test/*.o && $(MAKE) CC=clang \
		CFLAGS="-O1 -g -fno-omit-frame-pointer $(SANITIZE)" \
		LDFLAGS="$(SANITIZE)" test
	$(MAKE) sluice test/mallocshim.so
	@sh test/run.sh test/noalloc.sh
	$(MAKE) valgrind
	$(MAKE) fuzz-replay
	$(MAKE) FUZZ_SECONDS=$(CHECK_FUZZTIME) fuzz

# ---- cross builds tested under qemu-user (test/cross.sh) -----------------
ARCH = mipsel
CROSS_ARCHS = mipsel armhf arm64 s390x
cross-test:
	@sh test/cross.sh $(ARCH) "$(TESTS)"
cross-test-all:
	@for a in $(CROSS_ARCHS); do \
		sh test/cross.sh $$a "$(TESTS)" || exit 1; done

# ---- static musl builds (test/static.sh): build-musl/, build-tiny/ ------
static:
	@sh test/static.sh static
tiny:
	@sh test/static.sh tiny

# ---- sizes and memory (test/size.sh; SIZE_SECS shortens the capture) ----
size:
	@sh test/size.sh

# The decoder tests under valgrind memcheck (normal build, no sanitizer).
VGTESTS = test/test_http test/test_chunk test/test_frame test/test_json \
	test/test_msg test/test_resp test/test_inflate test/test_oauth
valgrind: $(VGTESTS)
	@sh test/deps.sh check
	@mkdir -p test/out
	@for t in $(VGTESTS); do \
		valgrind -q --error-exitcode=99 $$t > test/out/vg.log 2>&1; \
		rc=$$?; echo "valgrind $$t: exit $$rc"; \
		if [ $$rc -ne 0 ]; then tail -20 test/out/vg.log; exit 1; fi; \
	done

# ---- fuzzing (clang + libFuzzer): FUZZ_SECONDS per target ----------------
# Every target splits its input and checks the split run agrees with the
# whole one (inflate and json are also differential: zlib, yajl).  Each
# also links with test/fuzz/replay.c instead of libFuzzer into a plain
# corpus replayer (test/fuzz/replay_*), which `make check` runs on the
# seeds and the regression cases in test/fuzz/regress/.  Seeds are
# generated by test/fuzz/mkseeds.py; see doc/reliability.md.
FUZZTIME = 60
FUZZ_SECONDS = $(FUZZTIME)
CHECK_FUZZTIME = 12
FUZZCC = clang
FUZZSAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZFLAGS = -g -O1 -fsanitize=fuzzer $(FUZZSAN)
FZ = -std=c99 -D_POSIX_C_SOURCE=200809L -I.
FUZZ_TARGETS = inflate json http chunk frame sse resp oauth pipeline subscribe
FUZZERS = test/fuzz/fuzz_inflate test/fuzz/fuzz_json test/fuzz/fuzz_http \
	test/fuzz/fuzz_chunk test/fuzz/fuzz_frame test/fuzz/fuzz_sse \
	test/fuzz/fuzz_resp test/fuzz/fuzz_oauth test/fuzz/fuzz_pipeline \
	test/fuzz/fuzz_subscribe
REPLAYERS = test/fuzz/replay_inflate test/fuzz/replay_json \
	test/fuzz/replay_http test/fuzz/replay_chunk test/fuzz/replay_frame \
	test/fuzz/replay_sse test/fuzz/replay_resp test/fuzz/replay_oauth \
	test/fuzz/replay_pipeline \
	test/fuzz/replay_subscribe
PIPE_SRC = stream.c http.c chunk.c inflate.c frame.c json.c msg.c sock.c \
	ca.c tls.c errstr.c
PIPE_DEPS = $(PIPE_SRC) $(HDRS) test/fuzz/fuzz.h

test/fuzz/fuzz_inflate: test/fuzz/fuzz_inflate.c inflate.c inflate.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_inflate.c inflate.c \
		-lz
test/fuzz/replay_inflate: test/fuzz/fuzz_inflate.c inflate.c inflate.h \
    test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_inflate.c \
		test/fuzz/replay.c inflate.c -lz
test/fuzz/fuzz_json: test/fuzz/fuzz_json.c json.c json.h
	$(FUZZCC) $(FUZZFLAGS) -I. -o $@ test/fuzz/fuzz_json.c json.c -lyajl
test/fuzz/replay_json: test/fuzz/fuzz_json.c json.c json.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_json.c \
		test/fuzz/replay.c json.c -lyajl
test/fuzz/fuzz_http: test/fuzz/fuzz_http.c test/fuzz/fuzz.h http.c http.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_http.c http.c
test/fuzz/replay_http: test/fuzz/fuzz_http.c test/fuzz/fuzz.h http.c http.h \
    test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_http.c \
		test/fuzz/replay.c http.c
test/fuzz/fuzz_chunk: test/fuzz/fuzz_chunk.c test/fuzz/fuzz.h chunk.c chunk.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_chunk.c chunk.c
test/fuzz/replay_chunk: test/fuzz/fuzz_chunk.c test/fuzz/fuzz.h chunk.c \
    chunk.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_chunk.c \
		test/fuzz/replay.c chunk.c
test/fuzz/fuzz_frame: test/fuzz/fuzz_frame.c test/fuzz/fuzz.h frame.c frame.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_frame.c frame.c
test/fuzz/replay_frame: test/fuzz/fuzz_frame.c test/fuzz/fuzz.h frame.c \
    frame.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_frame.c \
		test/fuzz/replay.c frame.c
test/fuzz/fuzz_sse: test/fuzz/fuzz_frame.c test/fuzz/fuzz.h frame.c frame.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -DFUZZ_MODE=FRAME_SSE -o $@ \
		test/fuzz/fuzz_frame.c frame.c
test/fuzz/replay_sse: test/fuzz/fuzz_frame.c test/fuzz/fuzz.h frame.c \
    frame.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -DFUZZ_MODE=FRAME_SSE -o $@ \
		test/fuzz/fuzz_frame.c test/fuzz/replay.c frame.c
SUB_SRC = subscribe.c sinkredis.c resp.c sock.c
test/fuzz/fuzz_subscribe: test/fuzz/fuzz_subscribe.c test/fuzz/fuzz.h \
    $(SUB_SRC) subscribe.h sinkredis.h resp.h sock.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_subscribe.c \
		$(SUB_SRC)
test/fuzz/replay_subscribe: test/fuzz/fuzz_subscribe.c test/fuzz/fuzz.h \
    $(SUB_SRC) subscribe.h sinkredis.h resp.h sock.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_subscribe.c \
		test/fuzz/replay.c $(SUB_SRC)
test/fuzz/fuzz_resp: test/fuzz/fuzz_resp.c test/fuzz/fuzz.h resp.c resp.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_resp.c resp.c
test/fuzz/replay_resp: test/fuzz/fuzz_resp.c test/fuzz/fuzz.h resp.c resp.h \
    test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_resp.c \
		test/fuzz/replay.c resp.c
test/fuzz/fuzz_oauth: test/fuzz/fuzz_oauth.c test/fuzz/fuzz.h oauth.c oauth.h
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_oauth.c oauth.c \
		$(SLUICE_LIBS)
test/fuzz/replay_oauth: test/fuzz/fuzz_oauth.c test/fuzz/fuzz.h oauth.c \
    oauth.h test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_oauth.c \
		test/fuzz/replay.c oauth.c $(SLUICE_LIBS)
test/fuzz/fuzz_pipeline: test/fuzz/fuzz_pipeline.c $(PIPE_DEPS)
	$(FUZZCC) $(FUZZFLAGS) $(FZ) -o $@ test/fuzz/fuzz_pipeline.c \
		$(PIPE_SRC) $(SLUICE_LIBS)
test/fuzz/replay_pipeline: test/fuzz/fuzz_pipeline.c $(PIPE_DEPS) \
    test/fuzz/replay.c
	$(FUZZCC) -g -O1 $(FUZZSAN) $(FZ) -o $@ test/fuzz/fuzz_pipeline.c \
		test/fuzz/replay.c $(PIPE_SRC) $(SLUICE_LIBS)

fuzz-seeds:
	/usr/bin/python3 test/fuzz/mkseeds.py test/out/seed
fuzz: fuzz-seeds
	@sh test/deps.sh check
	$(MAKE) $(FUZZERS)
	sh test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-replay: fuzz-seeds
	@sh test/deps.sh check
	$(MAKE) $(REPLAYERS)
	sh test/fuzz/run.sh replay $(FUZZ_TARGETS)

# ---- robustness: the network fault matrix and the soak (doc/reliability.md)
faults: all
	@sh test/deps.sh test
	@sh test/run.sh test/faults.sh test/netfaults.sh

SOAK_MINUTES = 3
soak: all
	@sh test/deps.sh test
	@SOAK_MINUTES=$(SOAK_MINUTES) sh test/run.sh test/soak.sh

# ---- lint: banned functions, stdio/config.h in modules, standalone builds
lint:
	@sh test/lint.sh "$(CC)" $(VENDOR)

# ---- bench -------------------------------------------------------------
test/bench_anchors: test/bench_anchors.c tls.o ca.o
	$(TESTCC) -O2 -o $@ test/bench_anchors.c tls.o ca.o $(LDFLAGS) \
		$(SLUICE_LIBS)
test/bench_chunk: test/bench_chunk.c chunk.o
	$(TESTCC) -O2 -o $@ test/bench_chunk.c chunk.o $(LDFLAGS)
test/bench_oauth: test/bench_oauth.c oauth.o
	$(TESTCC) -O2 -o $@ test/bench_oauth.c oauth.o $(LDFLAGS) $(SLUICE_LIBS)

test/bench_frame: test/bench_frame.c frame.o
	$(TESTCC) -O2 -o $@ test/bench_frame.c frame.o $(LDFLAGS)

# The JSON bench links the peers it is measured against (Debian libjsmn-dev,
# libyajl-dev, libsimdjson-dev); simdjson through a small C++ shim that is
# built only here.
BENCH_CXX = $(CROSS_COMPILE)g++
test/bench_json_simd.o: test/bench_json_simd.cpp
	$(BENCH_CXX) -O2 -c -o $@ test/bench_json_simd.cpp
test/bench_json: test/bench_json.c test/bench_json_jsmn.c \
    test/bench_json_simd.o json.o msg.o
	$(TESTCC) -O2 -o $@ test/bench_json.c test/bench_json_jsmn.c \
		test/bench_json_simd.o json.o msg.o $(LDFLAGS) -lsimdjson -lyajl \
		-lstdc++

test/bench_inflate: test/bench_inflate.c inflate.c inflate.h
	$(TESTCC) -O2 -o $@ test/bench_inflate.c inflate.c $(LDFLAGS) -lz \
		-ldeflate

# Run-and-measure helper for the end-to-end bench: static, so the RSS it
# has when it forks (kept in the child's maxrss) stays small.
test/rusage: test/rusage.c
	$(TESTCC) -O2 -static -o $@ test/rusage.c $(LDFLAGS)

bench: all $(BENCHES) $(TESTPROGS) test/rusage
	@sh test/deps.sh bench
	@sh test/bench.sh

demo: test-deps all
	@sh test/demo.sh

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
		doc web sluice-$(VERSION)
	tar -cf - sluice-$(VERSION) | gzip > sluice-$(VERSION).tar.gz
	rm -rf sluice-$(VERSION)

clean:
	rm -f sluice *.o $(TESTS) $(TESTPROGS) $(BENCHES) $(FUZZERS) \
		$(REPLAYERS) test/*.o test/rusage test/mallocshim.so
	rm -rf $(CHECKDIR) test/out test/__pycache__ build-mipsel build-armhf \
		build-arm64 build-s390x build-musl build-tiny build-tinytest \
		build-size

.PHONY: all deps test test-deps check fuzz fuzz-seeds fuzz-replay lint \
	faults soak valgrind bench demo install uninstall dist clean coast \
	cross-test cross-test-all static tiny size
