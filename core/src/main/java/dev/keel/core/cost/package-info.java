/** Cost: exact token counts, the price table (sync and batch tiers) and usage costs. */
package dev.keel.core.cost;
