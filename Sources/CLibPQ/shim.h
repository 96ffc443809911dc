#ifndef FENGQIAO_CLIBPQ_SHIM_H
#define FENGQIAO_CLIBPQ_SHIM_H

#include <libpq-fe.h>
#include <poll.h>

/// Reports whether the connection's socket has data or an error waiting, without blocking.
/// An idle pooled connection that is readable was most likely closed by the server.
static inline int fengqiao_pq_socket_readable(const PGconn *conn) {
    int fd = PQsocket(conn);
    if (fd < 0) {
        return -1;
    }
    struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
    int rc = poll(&pfd, 1, 0);
    if (rc < 0) {
        return -1;
    }
    return rc > 0 ? 1 : 0;
}

#endif
