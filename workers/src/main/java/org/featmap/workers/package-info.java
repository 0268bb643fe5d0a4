package org.featmap.workers;
