package org.featmap.ml;
