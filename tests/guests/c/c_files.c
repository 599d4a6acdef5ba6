/* stdio and POSIX file I/O through wasi-libc: fopen/fwrite/fread, lseek,
 * ftruncate, stat, rename, unlink, mkdir/rmdir, opendir/readdir, and the
 * errno values libc reports for the usual failures. */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void) {
  FILE *f = fopen(DIR_PREFIX "c.txt", "w");
  CHECK("fopen w", f != NULL);
  CHECK("fputs", fputs("line one\nline two\n", f) >= 0);
  CHECK("fprintf", fprintf(f, "%d %s\n", 42, "answer") == 10);
  CHECK("fclose", fclose(f) == 0);

  f = fopen(DIR_PREFIX "c.txt", "r");
  CHECK("fopen r", f != NULL);
  char line[64];
  CHECK("fgets 1", fgets(line, sizeof line, f) && strcmp(line, "line one\n") == 0);
  CHECK("fgets 2", fgets(line, sizeof line, f) && strcmp(line, "line two\n") == 0);
  CHECK("fgets 3", fgets(line, sizeof line, f) && strcmp(line, "42 answer\n") == 0);
  CHECK("fgets EOF", fgets(line, sizeof line, f) == NULL && feof(f));
  CHECK("fseek/ftell", fseek(f, 5, SEEK_SET) == 0 && ftell(f) == 5);
  CHECK("fread after seek", fread(line, 1, 3, f) == 3 && memcmp(line, "one", 3) == 0);
  fclose(f);

  int fd = open(DIR_PREFIX "c.txt", O_RDWR);
  CHECK("open O_RDWR", fd >= 3);
  CHECK("lseek END", lseek(fd, 0, SEEK_END) == 28);
  CHECK("lseek CUR -5", lseek(fd, -5, SEEK_CUR) == 23);
  CHECK_ERRNO("lseek negative", lseek(fd, -100, SEEK_SET) == -1, EINVAL);
  CHECK("ftruncate 4", ftruncate(fd, 4) == 0);
  struct stat st;
  CHECK("fstat", fstat(fd, &st) == 0 && st.st_size == 4 && S_ISREG(st.st_mode));
  CHECK("pwrite", pwrite(fd, "XY", 2, 1) == 2);
  char buf[8] = {0};
  CHECK("pread", pread(fd, buf, 8, 0) == 4 && memcmp(buf, "lXYe", 4) == 0);
  CHECK("close", close(fd) == 0);
  CHECK_ERRNO("close again", close(fd) == -1, EBADF);

  CHECK_ERRNO("open missing", open(DIR_PREFIX "missing", O_RDONLY) == -1, ENOENT);
  CHECK_ERRNO("open O_CREAT|O_EXCL existing", open(DIR_PREFIX "c.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1, EEXIST);
  CHECK_ERRNO("open file as dir", open(DIR_PREFIX "c.txt/x", O_RDONLY) == -1, ENOTDIR);
  CHECK_ERRNO("open dir for writing", open(DIR_PREFIX "sub", O_WRONLY) == -1, EISDIR);
  CHECK_ERRNO("open O_DIRECTORY on file", open(DIR_PREFIX "c.txt", O_RDONLY | O_DIRECTORY) == -1, ENOTDIR);
  CHECK_ERRNO("stat missing", stat(DIR_PREFIX "missing", &st) == -1, ENOENT);
  CHECK_ERRNO("open outside any preopen", open("/etc/passwd", O_RDONLY) == -1, ENOTCAPABLE);

  CHECK("mkdir", mkdir(DIR_PREFIX "cdir", 0755) == 0);
  CHECK_ERRNO("mkdir existing", mkdir(DIR_PREFIX "cdir", 0755) == -1, EEXIST);
  CHECK("rename into dir", rename(DIR_PREFIX "c.txt", DIR_PREFIX "cdir/moved.txt") == 0);
  CHECK("stat moved", stat(DIR_PREFIX "cdir/moved.txt", &st) == 0 && st.st_size == 4);
  CHECK_ERRNO("rmdir non-empty", rmdir(DIR_PREFIX "cdir") == -1, ENOTEMPTY);
  CHECK_ERRNO("unlink dir", unlink(DIR_PREFIX "cdir") == -1, EISDIR);
  CHECK_ERRNO("rmdir file", rmdir(DIR_PREFIX "cdir/moved.txt") == -1, ENOTDIR);
  CHECK("symlink", symlink("moved.txt", DIR_PREFIX "cdir/link") == 0);
  CHECK("lstat symlink", lstat(DIR_PREFIX "cdir/link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK("stat through symlink", stat(DIR_PREFIX "cdir/link", &st) == 0 && S_ISREG(st.st_mode));
  char target[32] = {0};
  CHECK("readlink", readlink(DIR_PREFIX "cdir/link", target, sizeof target) == 9 && memcmp(target, "moved.txt", 9) == 0);

  DIR *d = opendir(DIR_PREFIX "cdir");
  CHECK("opendir", d != NULL);
  char *names[16];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 16) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  CHECK("readdir count", n == 4);
  CHECK("readdir names", strcmp(names[0], ".") == 0 && strcmp(names[1], "..") == 0 &&
                             strcmp(names[2], "link") == 0 && strcmp(names[3], "moved.txt") == 0);
  CHECK_ERRNO("opendir file", opendir(DIR_PREFIX "cdir/moved.txt") == NULL, ENOTDIR);

  CHECK("unlink link", unlink(DIR_PREFIX "cdir/link") == 0);
  CHECK("unlink file", unlink(DIR_PREFIX "cdir/moved.txt") == 0);
  CHECK("rmdir", rmdir(DIR_PREFIX "cdir") == 0);
  CHECK_ERRNO("stat removed", stat(DIR_PREFIX "cdir", &st) == -1, ENOENT);
  printf("c_files: all checks passed\n");
  return 0;
}
