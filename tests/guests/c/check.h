/* Tiny check helpers for the C conformance guests: one line per check,
 * "FAIL: ..." and exit(1) on a mismatch. */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(label, cond)                                                   \
  do {                                                                       \
    if (cond) {                                                              \
      printf("%s: ok\n", label);                                             \
    } else {                                                                 \
      printf("FAIL: %s: %s (errno %d %s)\n", label, #cond, errno,            \
             strerror(errno));                                               \
      fflush(stdout);                                                        \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

/* Expect a call returning -1 (or NULL) with a given errno. */
#define CHECK_ERRNO(label, failed_expr, want)                                \
  do {                                                                       \
    errno = 0;                                                               \
    int failed_ = (failed_expr);                                             \
    int got_ = errno;                                                        \
    if (failed_ && got_ == (want)) {                                         \
      printf("%s: %s ok\n", label, #want);                                   \
    } else {                                                                 \
      printf("FAIL: %s: expected %s, got %s errno %d (%s)\n", label, #want,  \
             failed_ ? "failure" : "success", got_, strerror(got_));         \
      fflush(stdout);                                                        \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

#define DIR_PREFIX "fs-tests.dir/"
#endif
