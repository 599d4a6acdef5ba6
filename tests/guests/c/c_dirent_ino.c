/* readdir's d_ino and d_type agree with fstatat; fdopendir on an fd from
 * open(O_DIRECTORY); lseek reports the position after buffered fread. */
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  CHECK("mkdir", mkdir(DIR_PREFIX "ino.dir", 0755) == 0);
  const char *names[] = {"file-0", "file-1", "subdir"};
  for (int i = 0; i < 2; i++) {
    char p[64];
    snprintf(p, sizeof p, DIR_PREFIX "ino.dir/%s", names[i]);
    int fd = open(p, O_CREAT | O_WRONLY, 0644);
    CHECK("create entry", fd >= 0 && write(fd, "01234567", 8) == 8 && close(fd) == 0);
  }
  CHECK("mkdir subdir", mkdir(DIR_PREFIX "ino.dir/subdir", 0755) == 0);
  int dfd = open(DIR_PREFIX "ino.dir", O_RDONLY | O_DIRECTORY);
  CHECK("open O_DIRECTORY", dfd >= 0);
  DIR *d = fdopendir(dfd);
  CHECK("fdopendir", d != NULL);
  int seen = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    struct stat st;
    CHECK("fstatat entry", fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK("d_ino matches st_ino", st.st_ino == e->d_ino);
    CHECK("d_type matches st_mode", (e->d_type == DT_DIR) == S_ISDIR(st.st_mode) &&
                                        (e->d_type == DT_REG) == S_ISREG(st.st_mode));
    seen++;
  }
  closedir(d);
  CHECK("three entries", seen == 3);

  FILE *f = fopen(DIR_PREFIX "ino.dir/file-0", "r");
  CHECK("fopen", f != NULL);
  int fd = fileno(f);
  char buf[4];
  CHECK("fread 4", fread(buf, 1, 4, f) == 4);
  fflush(f);
  CHECK("lseek CUR after fread 4", lseek(fd, 0, SEEK_CUR) == 4);
  CHECK("fread 1", fread(buf, 1, 1, f) == 1 && buf[0] == '4');
  fflush(f);
  CHECK("lseek CUR after fread 1", lseek(fd, 0, SEEK_CUR) == 5);
  CHECK("lseek END", lseek(fd, 0, SEEK_END) == 8);
  fclose(f);
  printf("c_dirent_ino: all checks passed\n");
  return 0;
}
