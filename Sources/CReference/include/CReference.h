#include "codec_reference.h"
