@NullMarked
package dev.streamctl.gateway.hook;

import org.jspecify.annotations.NullMarked;
