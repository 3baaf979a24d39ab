#!/bin/sh
# The demo service: prints its configuration and the state file.
cat /etc/app/app.conf
cat /var/lib/app/state
