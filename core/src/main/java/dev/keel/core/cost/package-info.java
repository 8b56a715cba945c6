/** Cost: exact token counts (and, later, the price table and cost estimates). */
package dev.keel.core.cost;
