/* Evidence behind the wine-only skips of the ava tests that count the process's handles
 * (docs/platforms-windows.md): under wine 8.0, GetProcessHandleCount succeeds but always
 * reports 0, where Windows documents "the number of open handles that belong to the
 * specified process". Built and run by
 *   x86_64-w64-mingw32-gcc-posix -O2 -o wine-handle-count.exe wine-handle-count.c && wine wine-handle-count.exe
 * Under wine: "GetProcessHandleCount: 1 0, after 10 CreateEvent: 1 0".
 */
#include <stdio.h>
#include <windows.h>

int main(void) {
  DWORD before = 0, after = 0;
  BOOL ok1 = GetProcessHandleCount(GetCurrentProcess(), &before);
  for (int i = 0; i < 10; i++) CreateEventW(NULL, TRUE, FALSE, NULL);
  BOOL ok2 = GetProcessHandleCount(GetCurrentProcess(), &after);
  printf("GetProcessHandleCount: %d %lu, after 10 CreateEvent: %d %lu (documented: after = before + 10)\n",
         ok1, before, ok2, after);
  return 0;
}
