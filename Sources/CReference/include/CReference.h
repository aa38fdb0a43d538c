#include "codec_reference.h"
#include "tables_reference.h"
