#include "net/transport.h"

void net_close(struct net_conn *c, struct buf *report)
{
	if (c)
		c->ops->close(c, report);
}
