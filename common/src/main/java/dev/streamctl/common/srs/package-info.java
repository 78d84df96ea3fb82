@NullMarked
package dev.streamctl.common.srs;

import org.jspecify.annotations.NullMarked;
