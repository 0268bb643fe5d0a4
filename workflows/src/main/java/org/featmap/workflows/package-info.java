package org.featmap.workflows;
