@NullMarked
package dev.streamctl.common.event;

import org.jspecify.annotations.NullMarked;
