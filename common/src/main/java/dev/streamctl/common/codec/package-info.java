@NullMarked
package dev.streamctl.common.codec;

import org.jspecify.annotations.NullMarked;
