@NullMarked
package dev.streamctl.gateway.forward;

import org.jspecify.annotations.NullMarked;
