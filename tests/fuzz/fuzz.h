/* Included by every fuzz target: the libFuzzer entry point's prototype. */
#ifndef CG_FUZZ_H
#define CG_FUZZ_H
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif
