#ifndef FENGQIAO_CPROTOBUFC_SHIM_H
#define FENGQIAO_CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>

#endif
