/* Example: `head [-n N]`: copies the first N lines (default 10) of stdin
 * to stdout, then exits without reading the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long want = 10;
  if (argc > 2 && strcmp(argv[1], "-n") == 0) want = atol(argv[2]);
  int c;
  while (want > 0 && (c = getchar()) != EOF) {
    putchar(c);
    if (c == '\n') want--;
  }
  return 0;
}
