/** Real data set sessions turned back into clickstream events. */
package com.shopintent.scoring.replay;
