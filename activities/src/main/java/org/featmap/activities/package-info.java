package org.featmap.activities;
