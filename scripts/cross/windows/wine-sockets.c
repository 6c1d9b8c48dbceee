/* Where wine 8.0's sockets differ from what Windows documents: the evidence behind the two
 * wine-only skips of the ava suite (docs/platforms-windows.md). Built and run by
 *   x86_64-w64-mingw32-gcc-posix -O2 -o wine-sockets.exe wine-sockets.c -lws2_32 && wine wine-sockets.exe
 * Each case prints what it saw and what Windows' documentation says it must see.
 *
 * 1. A peer's graceful close (FIN) while unread data is queued. WSAPoll documents POLLHUP as
 *    "a stream-oriented connection was either disconnected or aborted"; wakepoll's IOCP backend
 *    asks AFD for the same thing (AFD_POLL_DISCONNECT, which WSAPoll's POLLHUP is made of).
 * 2. A peer's abortive close (closesocket with unread data sends RST), seen by a poll and then
 *    a recv. recv documents WSAECONNRESET: "the virtual circuit was reset by the remote side
 *    executing a hard or abortive close".
 * 3. A refused non-blocking connect, seen by a poll, then SO_ERROR read twice. getsockopt
 *    documents SO_ERROR as "retrieves error status and clear": the second read is 0.
 */
#include <stdio.h>
#include <winsock2.h>
#include <ws2tcpip.h>

static void pair(SOCKET *client, SOCKET *server) {
  SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  int len = sizeof a;
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  getsockname(l, (struct sockaddr *)&a, &len);
  *client = socket(AF_INET, SOCK_STREAM, 0);
  connect(*client, (struct sockaddr *)&a, sizeof a);
  *server = accept(l, NULL, NULL);
  closesocket(l);
}

int main(void) {
  WSADATA wsa;
  WSAStartup(MAKEWORD(2, 2), &wsa);
  SOCKET c, s;
  char buf[16];

  pair(&c, &s);
  send(c, "bye", 3, 0);
  shutdown(c, SD_SEND);
  Sleep(200); /* the data and the FIN have arrived (loopback) */
  WSAPOLLFD p = {s, POLLRDNORM, 0};
  int n = WSAPoll(&p, 1, 1000);
  printf("1. FIN behind unread data: WSAPoll -> %d, revents POLLRDNORM=%d POLLHUP=%d"
         " (documented: POLLHUP set)\n",
         n, !!(p.revents & POLLRDNORM), !!(p.revents & POLLHUP));
  closesocket(c);
  closesocket(s);

  pair(&c, &s);
  send(c, "never read", 10, 0);
  Sleep(200);
  closesocket(s); /* unread data: RST */
  Sleep(200);
  WSAPOLLFD q = {c, POLLRDNORM, 0};
  n = WSAPoll(&q, 1, 1000);
  u_long nonblocking = 1;
  ioctlsocket(c, FIONBIO, &nonblocking);
  int r = recv(c, buf, sizeof buf, 0);
  int err = r < 0 ? WSAGetLastError() : 0;
  printf("2. RST: WSAPoll -> %d, revents POLLHUP=%d POLLERR=%d; recv -> %d, error %d"
         " (documented: -1, WSAECONNRESET = %d)\n",
         n, !!(q.revents & POLLHUP), !!(q.revents & POLLERR), r, err, WSAECONNRESET);
  closesocket(c);

  pair(&c, &s); /* a port that was just free: close the listener's accepted pair, reuse none */
  struct sockaddr_in a = {0};
  int len = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &len);
  closesocket(c);
  closesocket(s);
  SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_port = 0;
  bind(l, (struct sockaddr *)&a, sizeof a);
  getsockname(l, (struct sockaddr *)&a, &len);
  closesocket(l); /* nothing listens on a.sin_port now */
  c = socket(AF_INET, SOCK_STREAM, 0);
  ioctlsocket(c, FIONBIO, &nonblocking);
  connect(c, (struct sockaddr *)&a, sizeof a);
  WSAPOLLFD w = {c, POLLWRNORM, 0};
  n = WSAPoll(&w, 1, 5000);
  int e1 = 0, e2 = 0, size = sizeof e1;
  getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&e1, &size);
  size = sizeof e2;
  getsockopt(c, SOL_SOCKET, SO_ERROR, (char *)&e2, &size);
  printf("3. refused connect: WSAPoll -> %d; SO_ERROR %d, then %d (documented: %d, then 0)\n",
         n, e1, e2, WSAECONNREFUSED);
  closesocket(c);
  WSACleanup();
  return 0;
}
