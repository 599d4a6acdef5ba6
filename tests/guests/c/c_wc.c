/* Example: `wc [-l|-w|-c]`: counts the lines, words or bytes of stdin
 * (all three, as "lines words bytes", without a flag), for pipelines. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *flag = argc > 1 ? argv[1] : "";
  long lines = 0, words = 0, bytes = 0;
  int in_word = 0, c;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n') lines++;
    if (isspace(c)) {
      in_word = 0;
    } else if (!in_word) {
      in_word = 1;
      words++;
    }
  }
  if (ferror(stdin)) {
    perror("wc: stdin");
    return 1;
  }
  if (strcmp(flag, "-l") == 0) printf("%ld\n", lines);
  else if (strcmp(flag, "-w") == 0) printf("%ld\n", words);
  else if (strcmp(flag, "-c") == 0) printf("%ld\n", bytes);
  else printf("%ld %ld %ld\n", lines, words, bytes);
  return 0;
}
