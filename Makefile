# cguard — one Makefile for the library, the programs, the tests, fuzzing and benchmarks.
#
#   make                    libcguard (static + shared) and build/cguard
#   make test               every test: unit, integration, fuzz-corpus replay, then the
#                           unit tests again under ASan+UBSan
#   make fuzz               every libFuzzer target for FUZZ_TIME seconds each (clang)
#   make bench              the benchmarks
# Knobs: DEVELOPER=1 (more warnings, all errors), SANITIZE=address,undefined, CC=clang|gcc,
#        BUILD=dir (default build, or build/san when SANITIZE is set).

CC       ?= cc
SANITIZE ?=
DEVELOPER ?=
FUZZ_TIME ?= 60

ifeq ($(SANITIZE),)
BUILD    ?= build
else
BUILD    ?= build/san
endif

PKGS      := jansson libarchive libcrypto zlib libzstd sqlite3 libcurl yaml-0.1 yara libbpf libelf \
             libpq libmicrohttpd libargon2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

WARN     := -Wall -Wextra -Werror -Wformat=2 -Wvla -Wpointer-arith -Wstrict-prototypes
ifneq ($(DEVELOPER),)
WARN     += -Wshadow -Wmissing-prototypes -Wcast-qual -Wwrite-strings -Wundef \
            -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
endif
OPT      ?= -O2 -g
CFLAGS   ?=
CFLAGS   += -std=gnu11 $(OPT) $(WARN) -fPIC -fvisibility=hidden -D_FORTIFY_SOURCE=2 \
            -fstack-protector-strong -MMD -MP -Iinclude -Ilib $(PKG_CFLAGS)
LDFLAGS  ?=
LDLIBS   := $(PKG_LIBS) -lpthread
# where the built-in rule files are read from (rules/ of this checkout until there is
# an install step)
RULES_DIR ?= $(CURDIR)/rules
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all -U_FORTIFY_SOURCE
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# lib/*/*.bpf.c are BPF programs (built below by clang -target bpf), not library code
LIB_SRC   := $(sort $(filter-out %.bpf.c,$(wildcard lib/*/*.c)))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_SRC   := $(sort $(wildcard cli/*.c))
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/replay/%)
BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

STATIC_LIB := $(BUILD)/libcguard.a
SHARED_LIB := $(BUILD)/libcguard.so
CGUARD     := $(BUILD)/cguard

.PHONY: demo all test unit integration fuzz-replay fuzz bench check-banned clean san-unit
all: $(STATIC_LIB) $(SHARED_LIB) $(CGUARD)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<
$(BUILD)/obj/lib/scan/malware.o: CFLAGS += -DCG_RULES_DIR='"$(RULES_DIR)"'
$(BUILD)/obj/lib/agent/agent.o: CFLAGS += -DCG_RULES_DIR='"$(RULES_DIR)"'

# The node agent's eBPF sensor (CO-RE): vmlinux.h from this machine's BTF, the BPF
# object always built by clang -target bpf (never with sanitizers or $(CFLAGS)), and
# a libbpf skeleton that sensor.c includes.
GEN        := $(BUILD)/gen
BPF_CLANG  ?= clang
BTF_VMLINUX ?= /sys/kernel/btf/vmlinux
$(GEN)/vmlinux.h:
	@mkdir -p $(dir $@)
	bpftool btf dump file $(BTF_VMLINUX) format c > $@.tmp && mv $@.tmp $@
$(GEN)/%.bpf.o: lib/agent/%.bpf.c $(GEN)/vmlinux.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -MMD -MP \
		-I$(GEN) -Iinclude -Ilib -c -o $@ $<
$(GEN)/%.skel.h: $(GEN)/%.bpf.o
	bpftool gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@
.PRECIOUS: $(GEN)/%.bpf.o
$(BUILD)/obj/lib/agent/sensor.o: $(GEN)/sensor.skel.h
$(BUILD)/obj/lib/agent/sensor.o: CFLAGS += -isystem $(GEN)

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libcguard.so.0 $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(CGUARD): $(CLI_OBJ) $(STATIC_LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(LDLIBS)

# Unit tests see the internals (-Ilib) and link the static library.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/cgtest.h $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCG_TEST_DATA='"$(CURDIR)/tests/data"' $(LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS)

# Fuzz targets, built with a plain main() that replays their corpora (any compiler).
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCG_SOURCE_DIR='"$(CURDIR)"' $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(STATIC_LIB) $(LDLIBS)

# Native peers measured beside us when their -dev packages are installed.
BENCH_PEERS := $(shell pkg-config --exists libdpkg && echo "-DHAVE_LIBDPKG $$(pkg-config --libs libdpkg)") \
               $(shell pkg-config --exists rpm && echo "-DHAVE_LIBRPM $$(pkg-config --libs rpm)")
$(BUILD)/bench/%: bench/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCG_SOURCE_DIR='"$(CURDIR)"' $(LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS) $(BENCH_PEERS) -lm

# The main job on its embedded defaults (README's first command ends here).
demo: $(CGUARD)
	@scripts/demo $(CGUARD)

check-banned:
	@scripts/check-banned

unit: $(UNIT_BIN)
	@scripts/run-tests unit $(UNIT_BIN)

integration: $(CGUARD) $(UNIT_BIN)
	@CGUARD=$(CURDIR)/$(CGUARD) scripts/run-tests integration $(sort $(wildcard tests/integration/*.sh))

fuzz-replay: $(FUZZ_REPLAY)
	@scripts/run-tests fuzz-replay $(FUZZ_REPLAY)

# The whole suite: one summary line at the end.
test:
	@rm -f build/test-results
	@$(MAKE) --no-print-directory check-banned
	@echo "== building"
	@$(MAKE) -s --no-print-directory all $(UNIT_BIN) $(FUZZ_REPLAY)
	@CG_RESULTS=$(CURDIR)/build/test-results $(MAKE) -s --no-print-directory -k unit integration fuzz-replay || true
	@echo "== building with ASan+UBSan (clang)"
	@$(MAKE) -s --no-print-directory SANITIZE=address,undefined CC=clang $(addprefix build/san/tests/,$(notdir $(UNIT_BIN))) $(addprefix build/san/replay/,$(notdir $(FUZZ_REPLAY)))
	@CG_RESULTS=$(CURDIR)/build/test-results ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-tests asan-ubsan $(addprefix build/san/tests/,$(notdir $(UNIT_BIN))) $(addprefix build/san/replay/,$(notdir $(FUZZ_REPLAY))) || true
	@scripts/run-tests --summary build/test-results

# libFuzzer (clang only): the library built once with fuzzer instrumentation and
# ASan+UBSan in build/fuzzlib, each target linked against it.
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SAN := fuzzer-no-link,address,undefined
.PHONY: fuzzlib
fuzzlib:
	@$(MAKE) --no-print-directory BUILD=build/fuzzlib CC=clang SANITIZE=$(FUZZ_SAN) OPT="-O1 -g" build/fuzzlib/libcguard.a
build/fuzz/%: tests/fuzz/%.c fuzzlib
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 -Iinclude -Ilib $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< build/fuzzlib/libcguard.a $(PKG_LIBS) -lpthread
fuzz: $(FUZZ_BIN)
	@scripts/run-fuzz $(FUZZ_TIME) $(FUZZ_BIN)

bench: $(BENCH_BIN) $(CGUARD)
	@for b in $(BENCH_BIN); do echo "== $$b"; CGUARD=$(CURDIR)/$(CGUARD) $$b || exit 1; done
	@for b in $(sort $(wildcard bench/*.sh)); do echo "== $$b"; CGUARD=$(CURDIR)/$(CGUARD) $$b || exit 1; done

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# the OpenAPI document is compiled into the server (.incbin)
$(BUILD)/obj/lib/server/h_misc.o: docs/openapi.json
