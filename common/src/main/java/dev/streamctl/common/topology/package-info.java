@NullMarked
package dev.streamctl.common.topology;

import org.jspecify.annotations.NullMarked;
