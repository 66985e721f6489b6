/** The {@code ./scoring} commands. */
package com.shopintent.scoring.cli;
