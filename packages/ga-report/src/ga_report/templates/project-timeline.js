// The project page's script: shows the project ?project= names and draws any
// project's weekly commands from the JSON the page embeds (nothing is
// fetched). Its chart is the Vega-Lite one ga-report renders for the project
// with the most commands, drawn by hand: the same bars and aria labels, the
// same whole-number ticks (build.py's _count_ticks), the same pale partial
// weeks. Every text from the marts is set as text (textContent, attributes).
'use strict';
const timeline = JSON.parse(document.getElementById('timeline-data').textContent);
const SVG_NS = 'http://www.w3.org/2000/svg';
const SOURCES = ['ga', 'snowplow'];
const COLORS = {ga: '#e45756', snowplow: '#4c78a8'};
const PARTIAL_OPACITY = 0.4;
const FONT = {'font-family': 'sans-serif', 'font-size': '10px', fill: '#000'};
const TITLE_FONT = {...FONT, 'font-size': '11px', 'font-weight': 'bold'};

function countTicks(largest) {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const step of [magnitude, 2 * magnitude, 5 * magnitude]) {
      if (largest <= 5 * step) {
        const top = Math.max(step, Math.ceil(largest / step) * step);
        const ticks = [];
        for (let tick = 0; tick <= top; tick += step) ticks.push(tick);
        return ticks;
      }
    }
  }
}

function svgElement(name, attributes, parent) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, value);
  }
  parent?.appendChild(element);
  return element;
}

function svgText(parent, content, attributes) {
  const element = svgElement('text', attributes, parent);
  element.textContent = content;
  return element;
}

function plural(count, noun) {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

// One project as the page holds it: [id, sources, commands, first day,
// activation week, index of its first week, [GA, Snowplow] per week].
function unpack(entry) {
  const [id, sources, commands, firstDay, activation, first, counts] = entry;
  const weeks = [];
  for (let n = 0; n < counts.length / 2; n++) {
    const week = timeline.weeks[first + n];
    weeks.push({
      week,
      days: timeline.partial[week] ?? 7,
      ga: counts[2 * n],
      snowplow: counts[2 * n + 1],
    });
  }
  return {id, sources, commands, firstDay, activation, weeks};
}

// The same words as summary() in project-timeline.html.j2.
function summary(project) {
  return `first active ${project.firstDay} · ${plural(project.commands, 'command')}`
    + ` · ${project.sources}`;
}

function drawTimeline(entry) {
  const project = unpack(entry);
  const [width, height, left, top, bottom, right] = [720, 280, 55, 15, 90, 110];
  const svg = svgElement('svg', {
    width: left + width + right, height: top + height + bottom, class: 'marks',
  });
  const plot = svgElement('g', {transform: `translate(${left},${top})`}, svg);
  const ticks = countTicks(Math.max(...project.weeks.map(w => w.ga + w.snowplow)));
  const highest = ticks[ticks.length - 1];
  const y = value => height - (value / highest) * height;
  const step = width / project.weeks.length;
  const band = step * 0.9;

  const yAxis = svgElement('g', {
    'aria-roledescription': 'axis',
    'aria-label': `Y-axis titled 'commands' for a linear scale with values from 0 to ${highest}`,
  }, plot);
  const yLabels = svgElement('g', {class: 'role-axis-label'}, yAxis);
  for (const tick of ticks) {
    svgElement('line', {x1: 0, x2: width, y1: y(tick), y2: y(tick), stroke: '#ddd'}, yAxis);
    svgText(yLabels, String(tick), {...FONT, x: -7, y: y(tick) + 3, 'text-anchor': 'end'});
  }
  svgText(yAxis, 'commands', {
    ...TITLE_FONT, 'text-anchor': 'middle',
    transform: `translate(-40,${height / 2}) rotate(-90)`,
  });

  const xAxis = svgElement('g', {
    'aria-roledescription': 'axis',
    'aria-label': `X-axis titled 'week (Monday)' for a discrete scale with ${project.weeks.length} values`,
  }, plot);
  const xLabels = svgElement('g', {class: 'role-axis-label'}, xAxis);
  project.weeks.forEach((w, n) => {
    svgText(xLabels, w.days < 7 ? `${w.week} (partial)` : w.week, {
      ...FONT, 'text-anchor': 'end',
      transform: `translate(${step * (n + 0.5) + 3},${height + 8}) rotate(315)`,
    });
  });
  svgText(xAxis, 'week (Monday)', {
    ...TITLE_FONT, 'text-anchor': 'middle', x: width / 2, y: height + bottom - 5,
  });

  const bars = svgElement('g', {class: 'role-mark'}, plot);
  project.weeks.forEach((w, n) => {
    let base = 0;
    for (const source of SOURCES) {
      const commands = w[source];
      if (!commands) continue;
      const label = `week (Monday): ${w.week}; commands: ${commands};`
        + ` counted by: ${source}; week: ${w.week}; source: ${source};`
        + ` days of data: ${w.days}`;
      const bar = svgElement('rect', {
        x: step * n + (step - band) / 2, width: band,
        y: y(base + commands), height: y(base) - y(base + commands),
        fill: COLORS[source], opacity: w.days < 7 ? PARTIAL_OPACITY : 1,
        role: 'graphics-symbol', 'aria-roledescription': 'bar', 'aria-label': label,
      }, bars);
      svgElement('title', {}, bar).textContent = label;
      base += commands;
    }
  });

  const at = project.weeks.findIndex(w => w.week === project.activation);
  if (at >= 0) {
    const x = step * (at + 0.5);
    svgElement('line', {
      x1: x, x2: x, y1: 0, y2: height,
      stroke: '#000', 'stroke-width': 2, 'stroke-dasharray': '4,3',
    }, plot);
    svgText(plot, 'activation', {...FONT, 'font-weight': 'bold', x: x + 4, y: -4});
  }

  const legend = svgElement('g', {
    transform: `translate(${width + 20},0)`, 'aria-roledescription': 'legend',
    'aria-label': "Symbol legend titled 'counted by' for fill color with 2 values: ga, snowplow",
  }, plot);
  svgText(legend, 'counted by', {...TITLE_FONT, y: 9});
  const legendLabels = svgElement('g', {class: 'role-legend-label'}, legend);
  SOURCES.forEach((source, n) => {
    svgElement('rect', {x: 0, y: 16 + 13 * n, width: 10, height: 10, fill: COLORS[source]}, legend);
    svgText(legendLabels, source, {...FONT, x: 16, y: 25 + 13 * n});
  });
  return svg;
}

const projects = new Map(timeline.projects.map(entry => [entry[0], entry]));
const select = document.getElementById('project');
const message = document.getElementById('project-message');
const matches = document.getElementById('project-matches');
const rendered = document.getElementById('project-default');
const drawn = document.getElementById('project-drawn');

// Shows the project ``id`` names exactly; any other id is said to be unknown,
// with the ids it could be a different spelling of, and nothing else shown.
function showProject(id) {
  message.hidden = true;
  matches.hidden = true;
  const entry = projects.get(id);
  if (entry === undefined) {
    unknownProject(id);
    return false;
  }
  if (id === rendered.dataset.project) {
    drawn.hidden = true;
    rendered.hidden = false;
  } else {
    const project = unpack(entry);
    drawn.dataset.project = id;
    drawn.querySelector('h2').textContent = id;
    drawn.querySelector('.summary').textContent = summary(project);
    drawn.querySelector('.activation-text').textContent =
      project.activation ? 'Snowplow activation week: ' : '';
    drawn.querySelector('.activation').textContent =
      project.activation ?? 'No Snowplow activation';
    drawn.querySelector('figure').replaceChildren(drawTimeline(entry));
    rendered.hidden = true;
    drawn.hidden = false;
  }
  select.value = id;  // none selected when the project is not in the list
  return true;
}

function unknownProject(id) {
  rendered.hidden = true;
  drawn.hidden = true;
  select.value = '';
  message.textContent = `No project “${id}” in this report.`;
  const wanted = id.trim().toLowerCase();
  const near = wanted === '' ? [] : timeline.projects
    .filter(entry => entry[0].toLowerCase().startsWith(wanted))
    .slice(0, 20);
  if (near.length) {
    message.append(' Did you mean:');
    matches.replaceChildren(...near.map(entry => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = '?project=' + encodeURIComponent(entry[0]);
      link.textContent = entry[0];
      item.append(link, ` (${summary(unpack(entry))})`);
      return item;
    }));
    matches.hidden = false;
  }
  message.hidden = false;
}

function choose(id) {
  if (showProject(id)) {
    history.replaceState(null, '', '?project=' + encodeURIComponent(id));
  }
}

select.addEventListener('change', () => choose(select.value));
document.getElementById('project-form').addEventListener('submit', event => {
  event.preventDefault();
  choose(document.getElementById('project-search').value);
});
const wanted = new URLSearchParams(location.search);
if (wanted.has('project')) showProject(wanted.get('project'));
