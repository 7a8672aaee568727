export default function Dashboard() { return <p>dashboard</p>; }
