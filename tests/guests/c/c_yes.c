/* Example: `yes [WORD]`: prints WORD (default "y") forever, until a write
 * fails. WASI has no SIGPIPE, so a closed pipe is an EPIPE from write: it
 * reports it and exits with 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *word = argc > 1 ? argv[1] : "y";
  char buf[4096];
  size_t len = strlen(word), n = 0;
  if (len + 1 > sizeof buf) len = sizeof buf - 1;
  while (n + len + 1 <= sizeof buf) {
    memcpy(buf + n, word, len);
    buf[n + len] = '\n';
    n += len + 1;
  }
  for (;;) {
    /* write(2) directly: the error is this call's, not a later flush's. */
    if (write(1, buf, n) < 0) {
      fprintf(stderr, "yes: %s\n", strerror(errno));
      return 1;
    }
  }
}
