/* tests/fuzz/fuzz.h -- shared by the libFuzzer harnesses in tests/fuzz/.
 * Each harness defines LLVMFuzzerTestOneInput (and optionally
 * LLVMFuzzerInitialize); it is linked either with libFuzzer (make fuzz) or
 * with tests/fuzz/replay.c, which feeds it every file of its corpus (make
 * check).  A harness reports a finding by calling fuzz_fail, which prints
 * the reason and aborts, so both drivers stop on it. */
#ifndef CSC_FUZZ_H
#define CSC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_fail(...)                                                   \
  do {                                                                   \
    fprintf(stderr, "fuzz finding (%s:%d): ", __FILE__, __LINE__);       \
    fprintf(stderr, __VA_ARGS__);                                        \
    fputc('\n', stderr);                                                 \
    abort();                                                             \
  } while (0)

#endif
