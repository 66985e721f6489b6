/** Running the topology against a cluster: the application, its topics, an embedded broker for the demo. */
package com.shopintent.scoring.runtime;
