#!/bin/sh
echo f
