/* host/num/chunks.h -- the fixed row chunks live in the data layer
 * (host/data/chunks.h), which expressions and group-by share with the
 * estimators here; this header keeps their includes short. */
#ifndef CSC_NUM_CHUNKS_H
#define CSC_NUM_CHUNKS_H

#include "data/chunks.h"

#endif
